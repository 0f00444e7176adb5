from ganzoo.presets import register_preset

register_preset(
    "digit_classifier_mnist",
    "DigitClassifier",
    "Digit classifier for evaluating MNIST generators, trained on the "
    "60,000 MNIST training digits.",
)
