"""The seeded demo world: catalogue, viewers, their histories and the artwork's past."""
