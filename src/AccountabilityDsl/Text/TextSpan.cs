namespace AccountabilityDsl.Text;

/// <summary>A range of characters in a <see cref="SourceText"/>: <c>[Start, Start + Length)</c>.</summary>
public readonly record struct TextSpan(int Start, int Length) : IComparable<TextSpan>
{
    public int End => Start + Length;

    public static TextSpan FromBounds(int start, int end) => new(start, end - start);

    /// <summary>The smallest span that covers both.</summary>
    public TextSpan Cover(TextSpan other) => FromBounds(Math.Min(Start, other.Start), Math.Max(End, other.End));

    public bool Contains(int position) => position >= Start && position < End;

    public int CompareTo(TextSpan other) => Start != other.Start ? Start.CompareTo(other.Start) : Length.CompareTo(other.Length);

    public override string ToString() => $"[{Start}..{End})";
}

/// <summary>A 1-based line and column, as people and editors count them.</summary>
public readonly record struct LinePosition(int Line, int Column) : IComparable<LinePosition>
{
    public int CompareTo(LinePosition other) => Line != other.Line ? Line.CompareTo(other.Line) : Column.CompareTo(other.Column);

    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>A start and end <see cref="LinePosition"/>; the end is exclusive, as in Roslyn and LSP.</summary>
public readonly record struct LinePositionSpan(LinePosition Start, LinePosition End);
