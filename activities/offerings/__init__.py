"""offerings"""
