"""A person behind the bot: questions it cannot answer, passed on to the officers of the person's area.

- ``store``: tickets in the database (draft → open → taken → answered, or closed), who may see and answer
  which, and the messages each step queues for officers and for the person;
- ``desk``: the chat side, for people (offer, consent, ``/hoicanbo``) and officers (take, reply, ``/traloi``);
- ``outbox``: how the broadcast workers send those queued messages and what they do with the outcome;
- ``figures``: opened, answered and time to answer, for the periodic review.
"""
