"""placeholder"""
def find_captioner():
    return None
