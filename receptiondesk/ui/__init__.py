"""The Qt user interface. Only this package imports Qt; it calls the services."""
