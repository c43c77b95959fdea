"""Demo data: :func:`generate_demo` (in ``generator``) fills an empty database with a
commune's or a province's records; see ``generator`` for the parts."""

from .generator import DEMO_SCALES, SAMPLE_PROVINCE, DemoSummary, generate_demo

__all__ = ["DEMO_SCALES", "SAMPLE_PROVINCE", "DemoSummary", "generate_demo"]
