using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;

namespace AccountabilityDsl.Diff;

/// <summary>Where a customer stands at one stage in one version.</summary>
public enum OwnershipStatus
{
    /// <summary>Exactly one accountable owner.</summary>
    Owned,

    /// <summary>In at least one segment, but nobody is accountable (OWN0101).</summary>
    Vacuum,

    /// <summary>Several accountable owners through overlapping segments (OWN0104).</summary>
    Conflict,

    /// <summary>In no segment of that version at all.</summary>
    Uncovered,
}

/// <summary>A customer's accountable owners at a stage in one version.</summary>
public sealed record Ownership(ImmutableArray<string> Owners, bool Covered)
{
    public OwnershipStatus Status => Owners.Length switch
    {
        1 => OwnershipStatus.Owned,
        > 1 => OwnershipStatus.Conflict,
        _ => Covered ? OwnershipStatus.Vacuum : OwnershipStatus.Uncovered,
    };

    public bool Equals(Ownership? other) =>
        other is not null && Covered == other.Covered && Owners.SequenceEqual(other.Owners);

    public override int GetHashCode() => HashCode.Combine(Covered, string.Join(",", Owners));

    public override string ToString() => Status switch
    {
        OwnershipStatus.Owned => Owners[0],
        OwnershipStatus.Conflict => $"{string.Join(" and ", Owners)} (conflict)",
        OwnershipStatus.Vacuum => "nobody (vacuum)",
        _ => "nobody (in no segment)",
    };
}

/// <summary>What kind of change an <see cref="OwnerMove"/> is, most serious first.</summary>
public enum MoveKind { NewVacuum, NewConflict, OwnerChanged, VacuumFilled, ConflictResolved }

/// <summary>One line of a policy file that decides something about a customer.</summary>
public sealed record SourceLine(string Path, int Line, string Text)
{
    public override string ToString() => $"{Path}({Line}): {Text}";
}

/// <summary>
/// The customers whose accountable owner differs between the versions in the same way at the
/// same stages: the exact region, a witness customer inside it, and the declarations that
/// decide the witness's owner in each version (its segments and their deciding claims).
/// </summary>
public sealed record OwnerMove(
    ImmutableArray<string> Stages,
    string StagesDisplay,
    Ownership Before,
    Ownership After,
    string Customers,
    Witness Witness,
    ImmutableArray<SourceLine> OldDeclarations,
    ImmutableArray<SourceLine> NewDeclarations)
{
    public MoveKind Kind =>
        After.Status == OwnershipStatus.Vacuum && Before.Status != OwnershipStatus.Vacuum ? MoveKind.NewVacuum
        : After.Status == OwnershipStatus.Conflict && Before.Status != OwnershipStatus.Conflict ? MoveKind.NewConflict
        : Before.Status == OwnershipStatus.Vacuum && After.Status != OwnershipStatus.Vacuum ? MoveKind.VacuumFilled
        : Before.Status == OwnershipStatus.Conflict && After.Status != OwnershipStatus.Conflict ? MoveKind.ConflictResolved
        : MoveKind.OwnerChanged;

    /// <summary>Whether the new version is worse here: a vacuum or conflict these customers did not have.</summary>
    public bool AddsError => Kind is MoveKind.NewVacuum or MoveKind.NewConflict;

    internal DiffSpace? Space { get; init; }

    internal Analysis.Regions.Region? Region { get; init; }

    /// <summary>
    /// Whether the customer (a value for every attribute of either version, by name, and
    /// <c>segment</c> where a version has assigned segments) is one of the customers this move
    /// describes at its stages.
    /// </summary>
    public bool Includes(Witness customer) => Space!.Contains(Region!, Space.PointOf(customer));
}

/// <summary>How an offer changed: its reach (customers, stages, channels), its sponsor or approvals.</summary>
public sealed record OfferChange(
    string Offer,
    string Change,
    string? Customers = null,
    Witness? Witness = null,
    SourceLine? Old = null,
    SourceLine? New = null);

public enum LimitDirection { Loosened, Tightened, Changed }

/// <summary>A limit, capacity or cool-down that allows more or fewer contacts than before.</summary>
public sealed record LimitChange(string Subject, LimitDirection Direction, string Before, string After, SourceLine? Old, SourceLine? New);

/// <summary>
/// The semantic difference between two versions of one policy (<c>ownerc diff</c>). Empty
/// (<see cref="IsEmpty"/>) when the versions decide the same for every customer, offer and
/// limit, however they are laid out or ordered.
/// </summary>
public sealed record PolicyDiff(
    string PolicyName,
    ImmutableArray<string> Notes,
    ImmutableArray<string> StagesAdded,
    ImmutableArray<string> StagesRemoved,
    ImmutableArray<OwnerMove> Moves,
    ImmutableArray<OfferChange> Offers,
    ImmutableArray<LimitChange> Limits,
    ImmutableArray<Diagnostic> FindingsAdded,
    ImmutableArray<Diagnostic> FindingsRemoved)
{
    public bool IsEmpty =>
        Notes.IsEmpty && StagesAdded.IsEmpty && StagesRemoved.IsEmpty && Moves.IsEmpty && Offers.IsEmpty
        && Limits.IsEmpty && FindingsAdded.IsEmpty && FindingsRemoved.IsEmpty;

    /// <summary>Whether the new version has errors the old one did not: new error findings, new vacuums or conflicts.</summary>
    public bool AddsErrors => FindingsAdded.Any(d => d.IsError) || Moves.Any(m => m.AddsError);
}
