"""The training worker's GUI side: ``TrainingSupervisor`` runs engine.worker in a separate process."""
from .supervisor import TrainingSupervisor

__all__ = ["TrainingSupervisor"]
