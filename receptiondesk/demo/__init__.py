"""Demo data (``generator``)."""

from .generator import DEMO_SCALES, SAMPLE_PROVINCE, DemoSummary, generate_demo

__all__ = ["DEMO_SCALES", "SAMPLE_PROVINCE", "DemoSummary", "generate_demo"]
