"""Source documents: what an upload may be (uploads.py: types judged by their bytes,
sizes bounded) and reading their text (document_text.py: PDF text layers, OCR, DOCX, XLSX).
"""
