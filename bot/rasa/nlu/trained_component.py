"""Base of the pipeline's trained components (nearest questions, danger model): each fits one object of our own
from the training data and keeps it, pickled, in Rasa's model storage."""

from __future__ import annotations

import pickle
from typing import Any, ClassVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData


class TrainedComponent(GraphComponent):
    FILE: ClassVar[str]  # the file name of the pickled object in the component's resource

    def __init__(self, config: dict[str, Any], storage: ModelStorage, resource: Resource, model: Any = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage, self._resource = storage, resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TrainedComponent:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TrainedComponent:
        with model_storage.read_from(resource) as directory:
            model = pickle.loads((directory / cls.FILE).read_bytes())  # our own model file
        return cls(config, model_storage, resource, model)

    def fit(self, training_data: TrainingData) -> Any:
        """The object to keep, built from the training data."""
        raise NotImplementedError

    def train(self, training_data: TrainingData) -> Resource:
        self.model = self.fit(training_data)
        with self._storage.write_to(self._resource) as directory:
            (directory / self.FILE).write_bytes(pickle.dumps(self.model))
        return self._resource
