"""In-process fakes of external services, so tests exercise real client code over real sockets."""
