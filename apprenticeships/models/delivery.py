"""How training is delivered. Stored as a bit mask so any database can filter on one mode."""

from django.db import models


class DeliveryMode(models.TextChoices):
    DAY_RELEASE = "day_release", "Day release"
    BLOCK_RELEASE = "block_release", "Block release"
    WORKPLACE = "workplace", "At the workplace"
    ONLINE = "online", "Online"


_BITS = {mode: 1 << i for i, mode in enumerate(DeliveryMode.values)}
ALL_MODES_MASK = sum(_BITS.values())


def modes_to_mask(modes: list[str]) -> int:
    return sum(_BITS[mode] for mode in set(modes))


def mask_to_modes(mask: int) -> list[str]:
    return [mode for mode, bit in _BITS.items() if mask & bit]


def masks_with(mode: str) -> list[int]:
    """Every mask value that includes `mode`, for `filter(delivery_mask__in=...)`."""
    return [mask for mask in range(ALL_MODES_MASK + 1) if mask & _BITS[mode]]


class DeliveryModesMixin(models.Model):
    delivery_mask = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    @property
    def delivery_modes(self) -> list[str]:
        return mask_to_modes(self.delivery_mask)

    def get_delivery_modes_display(self) -> list[str]:
        return [DeliveryMode(mode).label for mode in self.delivery_modes]
