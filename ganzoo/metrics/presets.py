from ganzoo.presets import register_preset

register_preset(
    "digit_classifier_mnist",
    "DigitClassifier",
    "Digit classifier for offline evaluation, trained on the bundled "
    "4,000-digit MNIST split.",
)
