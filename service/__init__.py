"""HTTP boundary of verireward: FastAPI app, pydantic schemas, settings, auth, limits, metrics."""
