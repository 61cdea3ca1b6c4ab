"""Settings loading and the default data files shipped with SummitWatch."""
