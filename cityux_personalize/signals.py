"""Signals other code can listen to."""

from django.dispatch import Signal

# Sent after `merge_profiles(keep, other)` moved `other`'s data into `keep` (sender: VisitorProfile;
# arguments keep, other). Apps with rows tied to a profile move them to `keep` here.
profiles_merged = Signal()
