namespace AccountabilityDsl;
internal static class Placeholder { }
