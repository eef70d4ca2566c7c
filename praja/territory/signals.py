"""Signals the territory app sends after bulk changes that bypass model signals.

Apps above territory (the map cache of `situation`) listen; territory never imports them.
"""

from django.dispatch import Signal

# Sent after region boundaries or centroids were written in bulk; kwargs: codes (list of region codes).
regions_changed = Signal()

# Sent by `praja territory boundaries FILE` once the outlines are in, so that whoever draws them (the map of
# `situation`) can draw them now rather than on a first visit; no kwargs.
boundaries_imported = Signal()
