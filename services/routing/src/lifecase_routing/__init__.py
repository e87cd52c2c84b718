"""The routing service: units, queues and routing rules; every opened sub-case becomes a work
item in the right unit's queue, worked by caseworkers and robots."""
