"""Public transport: GTFS feeds, the journey planner (pynigiri), travel times and reach."""
