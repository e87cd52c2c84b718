"""The insight service: a reporting projection of the event stream (its own tables, rebuilt
by replaying the stream) and the datasets and automation-potential report read from it."""
