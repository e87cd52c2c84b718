"""The lifecycle service: life-cycle templates and one Temporal workflow per case that expands
it into sub-cases and completes it when they are done."""
