namespace AccountabilityDsl.Diagnostics;

/// <summary>
/// Descriptors the front end reports (syntax and binding). Analysis rules own their descriptors
/// next to their code; <c>Analysis.DiagnosticCatalog</c> lists all of them.
/// </summary>
public static class CompilerDiagnostics
{
    public static readonly DiagnosticDescriptor SyntaxError = new(
        "OWN0001", "Syntax error", "{0}", DiagnosticSeverity.Error, DiagnosticCategory.Syntax);

    public static readonly DiagnosticDescriptor UnknownName = new(
        "OWN0002", "Unknown name", "unknown {0} '{1}'{2}", DiagnosticSeverity.Error, DiagnosticCategory.Binding);

    public static readonly DiagnosticDescriptor DuplicateDeclaration = new(
        "OWN0003", "Duplicate declaration", "{0} '{1}' is already declared on line {2}", DiagnosticSeverity.Error, DiagnosticCategory.Binding);

    public static readonly DiagnosticDescriptor PredicateTypeError = new(
        "OWN0004", "Type error in a predicate", "{0}", DiagnosticSeverity.Error, DiagnosticCategory.Binding);

    public static readonly DiagnosticDescriptor PolicyStructureError = new(
        "OWN0005", "Missing or repeated policy header, or no stages", "{0}", DiagnosticSeverity.Error, DiagnosticCategory.Binding);

    public static readonly DiagnosticDescriptor SegmentCycle = new(
        "OWN0006", "Segment definitions form a cycle", "{0}", DiagnosticSeverity.Error, DiagnosticCategory.Binding);

    public static readonly DiagnosticDescriptor BackwardsStageRange = new(
        "OWN0010", "Backwards stage range", "the stage range '{0}..{1}' runs backwards: '{1}' comes before '{0}' in the lifecycle; write '{1}..{0}'", DiagnosticSeverity.Error, DiagnosticCategory.Binding);

    public static readonly DiagnosticDescriptor NamespaceMismatch = new(
        "OWN0007", "Files of one policy give different namespaces", "{0}", DiagnosticSeverity.Error, DiagnosticCategory.Binding);

    public static readonly DiagnosticDescriptor EmptyWindow = new(
        "OWN0008", "Empty time window", "{0}", DiagnosticSeverity.Error, DiagnosticCategory.Binding);

    /// <summary>A problem in configuration (<c>.editorconfig</c>), reported at its line there.</summary>
    public static readonly DiagnosticDescriptor InvalidConfigurationValue = new(
        "OWN0009", "Invalid configuration value", "'{0}' is not a severity for {1}; use none, suggestion, warning or error", DiagnosticSeverity.Warning, DiagnosticCategory.Configuration);

    public static readonly DiagnosticDescriptor GroupCycle = new(
        "OWN0020", "Group contains itself", "group '{0}' contains itself ({1}); a group's members must be offers, or groups that do not include it", DiagnosticSeverity.Error, DiagnosticCategory.Binding);
}
