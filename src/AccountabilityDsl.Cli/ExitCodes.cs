namespace AccountabilityDsl.Cli;

/// <summary>The process exit codes; part of the CLI contract.</summary>
public static class ExitCodes
{
    /// <summary>Every input was read and no error diagnostic was reported.</summary>
    public const int Success = 0;

    /// <summary>At least one error diagnostic (after <c>--warnaserror</c>).</summary>
    public const int ErrorsReported = 1;

    /// <summary>Bad usage (unknown command, option or format) or an input that could not be read.</summary>
    public const int BadUsageOrInput = 2;
}
