"""Geocoding: addresses to places and back, behind one interface (base.Geocoder); backends.get_geocoder() picks
the implementation from the settings."""
