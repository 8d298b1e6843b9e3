using AccountabilityDsl.Text;

namespace AccountabilityDsl.Diagnostics;

/// <summary>A span in a source file, with its line and column form precomputed for hosts.</summary>
public sealed record Location(SourceText Source, TextSpan Span)
{
    public string FilePath => Source.FilePath;

    public LinePositionSpan LineSpan => Source.GetLinePositionSpan(Span);

    public override string ToString()
    {
        LinePositionSpan lines = LineSpan;
        return $"{FilePath}({lines.Start.Line},{lines.Start.Column},{lines.End.Line},{lines.End.Column})";
    }
}

/// <summary>Another place a diagnostic points at, such as every declaration claiming a cell.</summary>
public sealed record RelatedLocation(Location Location, string Message);
