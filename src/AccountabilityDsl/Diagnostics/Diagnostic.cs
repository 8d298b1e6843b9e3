using System.Collections.Immutable;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Diagnostics;

/// <summary>
/// One finding: a descriptor, where it is, the formatted message, the effective severity (after
/// configuration), related locations and, for accountability findings, a witness customer.
/// </summary>
public sealed record Diagnostic(
    DiagnosticDescriptor Descriptor,
    Location Location,
    string Message,
    DiagnosticSeverity Severity,
    ImmutableArray<RelatedLocation> Related,
    Witness? Witness)
{
    public string Id => Descriptor.Id;

    public bool IsError => Severity == DiagnosticSeverity.Error;

    public static Diagnostic Create(
        DiagnosticDescriptor descriptor,
        Location location,
        IEnumerable<RelatedLocation>? related = null,
        Witness? witness = null,
        params object?[] messageArguments) =>
        new(descriptor, location, descriptor.FormatMessage(messageArguments), descriptor.DefaultSeverity,
            related?.ToImmutableArray() ?? [], witness);

    public static Diagnostic Create(DiagnosticDescriptor descriptor, SourceText source, TextSpan span, params object?[] messageArguments) =>
        Create(descriptor, new Location(source, span), null, null, messageArguments);

    public Diagnostic WithSeverity(DiagnosticSeverity severity) => this with { Severity = severity };

    /// <summary>Orders diagnostics the way they are printed: by file, position, then ID.</summary>
    public static readonly IComparer<Diagnostic> SourceOrder = Comparer<Diagnostic>.Create((a, b) =>
    {
        int byFile = string.CompareOrdinal(a.Location.FilePath, b.Location.FilePath);
        if (byFile != 0)
        {
            return byFile;
        }

        int bySpan = a.Location.Span.CompareTo(b.Location.Span);
        return bySpan != 0 ? bySpan : string.CompareOrdinal(a.Id, b.Id) is var byId && byId != 0 ? byId : string.CompareOrdinal(a.Message, b.Message);
    });

    public override string ToString()
    {
        LinePositionSpan lines = Location.LineSpan;
        return $"{Location.FilePath}({lines.Start.Line},{lines.Start.Column}): {Severity.ToDisplayString()} {Id}: {Message}";
    }
}

/// <summary>
/// A concrete customer that has the property a finding claims: attribute values in declaration
/// order, and the assigned segment where the policy has assigned segments.
/// </summary>
public sealed record Witness(ImmutableArray<KeyValuePair<string, WitnessValue>> Values)
{
    public override string ToString() => string.Join(", ", Values.Select(v => $"{v.Key} = {v.Value}"));
}

/// <summary>One attribute's value in a witness: a number, a bool or an enum member / segment name.</summary>
public readonly record struct WitnessValue(decimal? Number, bool? Bool, string? Name)
{
    public static WitnessValue Of(decimal number) => new(number, null, null);
    public static WitnessValue Of(bool value) => new(null, value, null);
    public static WitnessValue Of(string name) => new(null, null, name);

    public override string ToString() =>
        Number is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : Bool is { } b ? (b ? "true" : "false")
        : Name ?? "";
}
