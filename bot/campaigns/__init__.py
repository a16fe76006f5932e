"""From print to chat: campaigns (a leaflet, a poster, a handbook, an event) whose QR code and short link open
the bot, and the people each one brought.

- ``codes``: the one format of a campaign code (short, random, no look-alike characters, any case);
- ``store``: campaigns in the database, the start of a person from a campaign's link (once per person);
- ``links``: the Telegram deep link, the web chat link and how to reach the bot on Zalo, for a code;
- ``poster``: the printable A5 leaflet with the QR code, the links and the rescue hotlines;
- ``figures``: per campaign and per border post, how many started, subscribed, asked and played.
"""
