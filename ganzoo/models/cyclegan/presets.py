from ganzoo.presets import register_preset

register_preset(
    "cyclegan_plain_to_textured_digits",
    "CycleGAN",
    "CycleGAN between 32x32 digits on plain and on photo-textured backgrounds.",
)
