// Every test file in this target sees the shared test support.
@_exported import KgitTesting
