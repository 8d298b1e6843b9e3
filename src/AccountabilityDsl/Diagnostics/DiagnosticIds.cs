namespace AccountabilityDsl.Diagnostics;

/// <summary>
/// The stable IDs that consumers other than the rule itself name (the matrix marks cells with
/// them), so that such a consumer never needs the rule class. The rules' descriptors use these.
/// </summary>
public static class DiagnosticIds
{
    public const string AccountabilityVacuum = "OWN0101";
    public const string CellConflict = "OWN0102";
    public const string OverlapConflict = "OWN0104";
    public const string FallbackOwnedCells = "OWN0106";
}
