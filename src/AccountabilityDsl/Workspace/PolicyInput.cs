namespace AccountabilityDsl.Workspace;

/// <summary>
/// One policy file to read: the path as the user (or the project file) wrote it, joined with the
/// folder-relative part when found by searching a folder, which every diagnostic and message
/// shows; and the absolute path it is read from.
/// </summary>
public sealed record PolicyInput(string DisplayPath, string FullPath);

/// <summary>What paths expand to (sorted, without duplicates) and the paths that name nothing usable.</summary>
public sealed record InputSet(IReadOnlyList<PolicyInput> Files, IReadOnlyList<string> Errors);
