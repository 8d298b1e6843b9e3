using System.Collections.Immutable;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Workspace;

namespace AccountabilityDsl.Cli.Commands;

/// <summary>
/// How every command turns its paths into policies: through <see cref="PolicyWorkspace"/>, so
/// that each reads files the same safe way, words input problems the same way and exits 2 for
/// them, and groups files into policies by the name in their headers.
/// </summary>
internal static class PolicyInputs
{
    /// <summary>Opens the workspace and prints its input errors; null (exit 2) when any input could not be used.</summary>
    public static PolicyWorkspace? OpenAll(IReadOnlyList<string> paths, CommandContext context)
    {
        PolicyWorkspace workspace = PolicyWorkspace.Open(paths, context.CurrentDirectory);
        foreach (string error in workspace.InputErrors)
        {
            context.WriteError(error);
        }

        return workspace.HasInputErrors ? null : workspace;
    }

    /// <summary>Prints the <c>.editorconfig</c> problems (for commands whose output is not a diagnostic list).</summary>
    public static void WriteConfigurationProblems(PolicyWorkspace workspace, CommandContext context)
    {
        foreach (Diagnostic problem in workspace.ConfigurationDiagnostics)
        {
            context.Error.WriteLine(problem.ToString());
        }
    }

    /// <summary>
    /// For commands that look inside one policy (matrix, explain): the paths must hold exactly one
    /// policy (one file, or several files with the same policy name) that parses and binds. Prints
    /// why not and returns null with the exit code otherwise.
    /// </summary>
    public static PolicyCompilation? OnePolicy(IReadOnlyList<string> paths, CommandContext context, string command, out int exitCode)
    {
        exitCode = ExitCodes.BadUsageOrInput;
        if (OpenAll(paths, context) is not { } workspace)
        {
            return null;
        }

        WriteConfigurationProblems(workspace, context);
        ImmutableArray<PolicyCompilation> compilations = workspace.Compile();
        if (compilations.Length != 1)
        {
            throw new UsageException(
                $"the files hold {compilations.Length} policies ({string.Join(", ", compilations.Select(c => c.PolicyName))}); 'ownerc {command}' takes the file or files of one policy");
        }

        PolicyCompilation compilation = compilations[0];
        // A policy that does not parse or bind cannot be explained or drawn. Vacuums and
        // conflicts can: seeing who claims what is how an author understands them.
        if (compilation.HasSyntaxOrBindingErrors)
        {
            foreach (Diagnostic error in compilation.Diagnostics.Where(d => d.IsError))
            {
                context.Error.WriteLine(error.ToString());
            }

            string named = string.Join(" ", paths);
            context.WriteError($"'{named}' has syntax or name errors; run 'ownerc check {named}' and fix them first");
            exitCode = ExitCodes.ErrorsReported;
            return null;
        }

        exitCode = ExitCodes.Success;
        return compilation;
    }
}
