using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Testing;

/// <summary>
/// One parsed <c>.owner-test</c> file: its tests in source order and its syntax errors (OWN0901).
/// Names are <see cref="NameSyntax"/> as in policies, so a binder can point at them precisely.
/// </summary>
public sealed record TestFileSyntax(SourceText Source, ImmutableArray<TestCaseSyntax> Tests, ImmutableArray<Diagnostic> Diagnostics)
{
    public static TestFileSyntax Parse(SourceText source) => TestFileParser.Parse(source);

    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}

/// <summary><c>test "name" [for Policy]</c> and its steps.</summary>
public sealed record TestCaseSyntax(string Name, TextSpan NameSpan, NameSyntax? Policy, ImmutableArray<TestStepSyntax> Steps, TextSpan Span);

public abstract record TestStepSyntax(TextSpan Span);

public enum TestValueKind { Number, Bool, Name }

/// <summary><c>attribute = value</c> in a <c>customer</c> line.</summary>
public sealed record CustomerValueSyntax(NameSyntax Attribute, TestValueKind Kind, string Value, TextSpan ValueSpan);

/// <summary><c>customer a = 1, b = x</c>: the customer the expectations after it are about.</summary>
public sealed record CustomerStepSyntax(ImmutableArray<CustomerValueSyntax> Values, TextSpan Span) : TestStepSyntax(Span);

/// <summary>One stage or an inclusive range <c>A..B</c>.</summary>
public sealed record TestStageRangeSyntax(NameSyntax From, NameSyntax? To);

/// <summary>
/// <c>expect accountable Owner at Stages</c>; several owners (<c>A and B</c>) expect a conflict,
/// none (<c>nobody</c>) a vacuum.
/// </summary>
public sealed record ExpectAccountableSyntax(ImmutableArray<NameSyntax> Owners, ImmutableArray<TestStageRangeSyntax> Stages, TextSpan Span) : TestStepSyntax(Span);

/// <summary><c>expect segments A, B</c>, or <c>expect segments none</c> (empty).</summary>
public sealed record ExpectSegmentsSyntax(ImmutableArray<NameSyntax> Segments, TextSpan Span) : TestStepSyntax(Span);

public enum ContactActionKind { Offer, Contact, Event }

/// <summary>
/// What a contact step expects: allowed, or denied (optionally by a line, of a named file of the
/// policy, with a retry time).
/// </summary>
public sealed record ContactOutcomeSyntax(bool Allowed, int? Line, TextSpan? LineSpan, string? RetryDate, string? RetryTime, TextSpan? RetrySpan, TextSpan Span)
{
    /// <summary>
    /// <c>denied by retail-bank.owner line 12</c>: the policy file the line is in, relative to the
    /// test file's folder; null when the step names a line only (then any file of the policy).
    /// </summary>
    public NameSyntax? File { get; init; }
}

/// <summary>
/// What a contact step says about its customer for the language v2 contact rules:
/// <c>in Seg, …</c> (or <c>in none</c>: empty), <c>at Stage</c>, <c>household id</c> and
/// <c>consent Channel, …</c> (or <c>consent none</c>: empty). Each is null when not written, so
/// the request does not say, and a rule that needs it makes the step an error.
/// </summary>
public sealed record CustomerFactsSyntax(
    ImmutableArray<NameSyntax>? Segments,
    NameSyntax? Stage,
    NameSyntax? Household,
    ImmutableArray<NameSyntax>? Consents)
{
    public static CustomerFactsSyntax None { get; } = new(null, null, null, null);
}

/// <summary>
/// <c>at 2026-01-05 09:00 Europe/London: offer Upgrade to c1 via Email: allowed</c>, or a plain
/// contact (<c>contact c1 via Email</c>) or an event (<c>event Complaint for c1</c>, no outcome).
/// The date and time are local to the zone (the test's zone when not given). An offer or a
/// contact may give its customer's <see cref="CustomerFactsSyntax">facts</see> after the channel
/// and category.
/// </summary>
public sealed record ContactStepSyntax(
    string Date,
    string? Time,
    TextSpan WhenSpan,
    NameSyntax? Zone,
    ContactActionKind Kind,
    NameSyntax Subject,
    NameSyntax Customer,
    NameSyntax? Channel,
    NameSyntax? Category,
    CustomerFactsSyntax Facts,
    ContactOutcomeSyntax? Outcome,
    TextSpan Span) : TestStepSyntax(Span);
