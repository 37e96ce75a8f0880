"""The next-item recommender (pure numpy/scipy, no Django): `scoring` holds the trained model
and how it scores a history, `fitting` how a model is trained from interactions."""

from apps.recommendations.learner.fitting import popularity, train
from apps.recommendations.learner.scoring import Interaction, Model, Params

__all__ = ["Interaction", "Model", "Params", "popularity", "train"]
