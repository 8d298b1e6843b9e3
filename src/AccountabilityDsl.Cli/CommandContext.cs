namespace AccountabilityDsl.Cli;

/// <summary>
/// Everything a command may touch outside its arguments. Tests build one over string writers
/// and a directory of their choice; <see cref="Program"/> builds it over the real console.
/// </summary>
/// <param name="Out">Where results go (diagnostics, help, JSON, SARIF).</param>
/// <param name="Error">Where <c>ownerc: error: ...</c> and <c>ownerc: warning: ...</c> lines go.</param>
/// <param name="CurrentDirectory">What relative paths on the command line are relative to.</param>
/// <param name="UseColor">Whether text output may use ANSI colours (a terminal, and NO_COLOR unset).</param>
public sealed record CommandContext(TextWriter Out, TextWriter Error, string CurrentDirectory, bool UseColor)
{
    public void WriteError(string message) => Error.WriteLine("ownerc: error: " + message);

    public void WriteWarning(string message) => Error.WriteLine("ownerc: warning: " + message);
}
