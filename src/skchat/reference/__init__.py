"""The API's description of itself: the OpenAPI document and the reference page rendered from it."""
