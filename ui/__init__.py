"""The chat UI as a package: the only place besides `app.py` that imports gradio.

One role per module: `render` (pure HTML), `guards` (rate limits, credentials, ASGI security),
`chat`, `staff` and `overview` (each tab's components and handlers), `layout` (the Blocks, one
layout for the default, public and staff modes), `serve` (the hardened launch), `settings`.
Nothing is imported or built here, so `import ui.render` does not pull in gradio.
"""
