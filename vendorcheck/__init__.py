"""vendorcheck: vetting contractors, cloud services and SNS accounts for local governments."""

__version__ = "0.1.0"
