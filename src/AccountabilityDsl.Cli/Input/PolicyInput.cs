namespace AccountabilityDsl.Cli.Input;

/// <summary>
/// One policy file to check: the path as the user wrote it (joined with the folder-relative
/// part when found by searching a folder), used in every output, and the absolute path it
/// is read from.
/// </summary>
public sealed record PolicyInput(string DisplayPath, string FullPath);

/// <summary>What the command-line paths expand to, and the paths that could not be used.</summary>
public sealed record InputSet(IReadOnlyList<PolicyInput> Files, IReadOnlyList<string> Errors);
