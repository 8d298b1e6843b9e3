// Lexer for the `.owner` policy language. Keywords are reserved: an identifier can never be
// spelled like one. Comments go to the hidden channel so that `ownerc fmt` can keep them and
// suppression comments (`// owner-disable ...`) can be read; whitespace is skipped.
lexer grammar OwnerLexer;

POLICY      : 'policy';
NAMESPACE   : 'namespace';
ATTRIBUTE   : 'attribute';
INT         : 'int';
DECIMAL     : 'decimal';
BOOL        : 'bool';
ENUM        : 'enum';
SEGMENT     : 'segment';
WHERE       : 'where';
AND         : 'and';
OR          : 'or';
NOT         : 'not';
IN          : 'in';
TRUE        : 'true';
FALSE       : 'false';
STAGES      : 'stages';
OWNER       : 'owner';
REPORTS     : 'reports';
FALLBACK    : 'fallback';
CHANNEL     : 'channel';
CAPACITY    : 'capacity';
PER         : 'per';
ACCOUNTABLE : 'accountable';
RESPONSIBLE : 'responsible';
CONSULTED   : 'consulted';
INFORMED    : 'informed';
FOR         : 'for';
AT          : 'at';
VIA         : 'via';
OFFER       : 'offer';
BY          : 'by';
TO          : 'to';
MIN         : 'min';
CELL        : 'cell';
PRIORITY    : 'priority';
APPROVED    : 'approved';
LIMIT       : 'limit';
OFFERS      : 'offers';
CONTACTS    : 'contacts';
CUSTOMER    : 'customer';
MOST        : 'most';
CALENDAR    : 'calendar';
COOLDOWN    : 'cooldown';
AFTER       : 'after';
EXEMPT      : 'exempt';
GROUP       : 'group';
HOUSEHOLD   : 'household';
NEVER       : 'never';
WITH        : 'with';
WITHIN      : 'within';
REQUIRES    : 'requires';
CONSENT     : 'consent';
QUIET       : 'quiet';
DAY         : 'day';
DAYS        : 'days';
WEEK        : 'week';
WEEKS       : 'weeks';
MONTH       : 'month';
MONTHS      : 'months';
YEAR        : 'year';
YEARS       : 'years';

ARROW       : '->';
DOTDOT      : '..';
DOT         : '.';
COLON       : ':';
COMMA       : ',';
LBRACE      : '{';
RBRACE      : '}';
LPAREN      : '(';
RPAREN      : ')';
STAR        : '*';
LE          : '<=';
GE          : '>=';
LT          : '<';
GT          : '>';
EQ          : '==';
NE          : '!=';
MINUS       : '-';

IDENTIFIER  : [A-Za-z_] [A-Za-z0-9_]*;
// A name with letters outside ASCII (`Señor`): one token, reported by the syntax layer and
// parsed as a name, instead of a run of unexpected characters and name fragments. A letter is
// \p{L} and a name's later characters \p{L}, \p{N} or '_', as Unicode classes would say; the
// characters outside ASCII are told apart in code (OwnerLexer.Letters.cs) because the C# runtime
// builds those classes' ~800 ranges at start-up in quadratic time (over half of what a check of a
// small policy allocates, docs/performance.md).
NON_ASCII_IDENTIFIER : NAME_START NAME_PART*;
fragment NAME_START : [A-Za-z_] | ~[\u0000-\u007F] {IsNonAsciiLetter(digits: false)}?;
fragment NAME_PART  : [A-Za-z0-9_] | ~[\u0000-\u007F] {IsNonAsciiLetter(digits: true)}?;
// `09:00` in quiet hours: one token, so that whitespace can never split it; the syntax layer checks
// the digits (two each, 00:00 to 24:00) with a precise message.
TIME_OF_DAY : [0-9]+ ':' [0-9]+;
INTEGER     : [0-9]+;
DECIMAL_NUMBER : [0-9]+ '.' [0-9]+;

// Any backslash escape is lexed; the syntax layer rejects the ones the language does not define
// with a precise message instead of a lexer error.
STRING      : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '"';
UNTERMINATED_STRING : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '\\'?;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN);
// An unterminated block comment runs to the end of the file; the syntax layer reports it.
BLOCK_COMMENT : '/*' .*? ('*/' | EOF) -> channel(HIDDEN);

WHITESPACE  : [ \t\r\n\f\u000B]+ -> skip;

// Operators from other languages. The syntax layer reports each with the spelling to use and
// hands the parser the intended token, so that one slip costs one error.
MISTAKEN_LE  : '=<';
MISTAKEN_GE  : '=>';
MISTAKEN_NE  : '<>';
MISTAKEN_EQ  : '=';
MISTAKEN_AND : '&&';
MISTAKEN_OR  : '||';
MISTAKEN_NOT : '!';
MISTAKEN_BIT_AND : '&';
MISTAKEN_BIT_OR  : '|';

// A comment end without a start; reported and skipped.
STRAY_COMMENT_END : '*/';

// Anything else becomes one token per character so that the lexer never fails; the syntax
// layer reports runs of them as a single "unexpected character" diagnostic.
UNEXPECTED_CHARACTER : .;
