"""Text analysis over Documents: sections, sentences, ConText-style assertion status, sig parsing.

Modules: ``sections`` (sectionize), ``sentences`` (split_sentences), ``context`` (classify),
``sig`` (medication instructions). Import the module you need; nothing heavy is loaded here.
"""
