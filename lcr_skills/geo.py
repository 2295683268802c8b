"""Great-circle distances, vectorised: plain numpy, below both apps (places and the matcher both measure with it)."""

import numpy as np
from numpy.typing import ArrayLike

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def haversine_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> np.ndarray | float:
    """Great-circle distance in km; arguments broadcast like numpy arrays (degrees)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return distance.item() if distance.ndim == 0 else distance
