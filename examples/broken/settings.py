# Settings this release meant to load with app.config.from_pyfile("settings.py").
GREETING = "Hello from Flask, now configurable"
