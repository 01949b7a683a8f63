package dev.jbox.unlayered;

/** A class in a package the layering does not place: only ArchitectureRulesTest imports it. */
public final class OutsideEveryLayer {
    private OutsideEveryLayer() {
    }
}
