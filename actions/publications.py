"""Send the publication a person asks for, or let them choose when the request is vague."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import fixed_texts
from bot.publications.catalogue import Publication, by_id, catalogue, find


def document_payload(publication: Publication) -> dict[str, Any]:
    """The custom payload every channel renders: a file where it can send files, a link elsewhere."""
    return {
        "document": {
            "publication_id": publication.id,
            "title": publication.title,
            "path": str(publication.path),
            "url": publication.url,
        }
    }


class ActionSendPublication(Action):
    def name(self) -> str:
        return "action_send_publication"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        chosen = next(tracker.get_latest_entity_values("publication"), None)
        publication = by_id(chosen) if chosen else None
        matches = [publication] if publication else find(tracker.latest_message.get("text") or "")
        if len(matches) == 1:
            dispatcher.utter_message(text=fixed_texts.SENDING_PUBLICATION.format(title=matches[0].title))
            dispatcher.utter_message(json_message=document_payload(matches[0]))
            return []
        choices = matches or list(catalogue())
        dispatcher.utter_message(
            text=fixed_texts.WHICH_PUBLICATION,
            buttons=[
                {"title": p.title, "payload": f'/request_publication{{"publication": "{p.id}"}}'} for p in choices
            ],
        )
        return []
