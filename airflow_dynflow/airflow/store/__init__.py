"""The blob store and what lives in it: futures specs, output envelopes, stored outputs, the cache.

Only small references to what is stored here go to XCom: the metadata DB never holds a spec or a
large payload.
"""
