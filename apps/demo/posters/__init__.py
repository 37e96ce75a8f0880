"""The demo's procedural posters: drawn (palette, layout, landscape, figures, render), cut into
renditions in worker processes (worker) and stored as artwork variants (pipeline).

Everything but `pipeline` runs without Django set up, so spawned pool workers can import it.
"""
