using AccountabilityDsl.Workspace;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Serve;

/// <summary>
/// The one place `ownerc serve` turns policy text into a compilation: the seam to the compiler's
/// host layer, so that the service checks a policy as `ownerc check` does (with the severities
/// .editorconfig sets for the file).
/// </summary>
internal static class PolicyLoader
{
    public static PolicyCompilation Compile(string fullPath, byte[] content) =>
        PolicyCompilation.Create(SourceText.FromBytes(content, fullPath), new EditorConfigSeverities().ForFile(fullPath));
}
