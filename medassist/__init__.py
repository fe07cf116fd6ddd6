"""MedAssist engine: offline clinical drafting (summaries, ICD-10-CM codes, letters, radiology reports).

The engine never imports Qt. Heavy modules (onnxruntime, pydicom pixel handlers) are imported lazily.
"""

__version__ = "0.1.0"
