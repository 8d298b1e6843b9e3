// Parser for the `.owner` policy language. The parse tree stops at the Syntax layer
// (src/AccountabilityDsl/Syntax/SyntaxTreeBuilder.cs turns it into the immutable syntax model).
// Names get their own one-token rules (stageName, ownerRef, ...) only so that error messages can
// say what kind of name was expected ("expected a stage name after '->'").
parser grammar OwnerParser;

options { tokenVocab = OwnerLexer; }

policyFile : declaration* EOF;

// The header is parsed like any declaration so that a misplaced or repeated one is reported
// by the binder (OWN0005) with a precise location instead of derailing the parser.
declaration
    : policyHeader
    | attributeDeclaration
    | segmentDeclaration
    | stagesDeclaration
    | ownerDeclaration
    | fallbackDeclaration
    | channelDeclaration
    | accountableDeclaration
    | raciDeclaration
    | offerDeclaration
    | limitDeclaration
    | cooldownDeclaration
    | exemptDeclaration
    | groupDeclaration
    | neverDeclaration
    | quietDeclaration
    ;

policyHeader : POLICY policyName (NAMESPACE namespaceName)?;
namespaceName : namespacePart (DOT namespacePart)*;

attributeDeclaration : ATTRIBUTE attributeName COLON attributeType;
attributeType
    : INT                                                   #intType
    | DECIMAL                                               #decimalType
    | BOOL                                                  #boolType
    | ENUM LBRACE enumMemberName (COMMA enumMemberName)* RBRACE  #enumType
    ;

segmentDeclaration : SEGMENT segmentName documentation? (WHERE predicate)?;

predicate
    : NOT predicate                                         #notPredicate
    | predicate AND predicate                               #andPredicate
    | predicate OR predicate                                #orPredicate
    | LPAREN predicate RPAREN                               #parenthesizedPredicate
    | attributeRef comparisonOperator literal               #comparisonPredicate
    | attributeRef IN LBRACE literal (COMMA literal)* RBRACE #membershipPredicate
    | attributeRef                                          #attributePredicate
    ;

comparisonOperator : LT | LE | GT | GE | EQ | NE;
literal
    : MINUS? (INTEGER | DECIMAL_NUMBER)                     #numberLiteral
    | (TRUE | FALSE)                                        #boolLiteral
    | IDENTIFIER                                            #memberLiteral
    ;

stagesDeclaration : STAGES stageName (ARROW stageName)*;

// `reports to` builds the escalation tree; `fallback` names who owns the cells nobody claims.
ownerDeclaration : OWNER ownerName documentation? (REPORTS TO ownerRef)?;
fallbackDeclaration : FALLBACK ownerRef;

channelDeclaration : CHANNEL channelName (CAPACITY count PER period)? (REQUIRES CONSENT)?;

accountableDeclaration : ACCOUNTABLE ownerRef FOR segmentList AT stageList;
raciDeclaration : raciRole ownerRef FOR segmentList AT stageList (VIA channelList)?;
raciRole : RESPONSIBLE | CONSULTED | INFORMED;

offerDeclaration : OFFER offerName BY ownerRef TO segmentList offerClause*;
offerClause
    : AT stageList                                          #offerStagesClause
    | VIA channelList                                       #offerChannelsClause
    | MIN CELL count                                        #offerMinCellClause
    | PRIORITY count                                        #offerPriorityClause
    | APPROVED BY ownerRef (COMMA ownerRef)*                #offerApprovalClause
    ;

limitDeclaration : LIMIT limitScope PER limitCounter limitSegments? limitStages? COLON AT MOST count PER count period CALENDAR?;
limitCounter : CUSTOMER | HOUSEHOLD;
limitSegments : IN segmentRef (COMMA segmentRef)*;
// `at` followed by `most` is the cap, written without its colon: leave it to the colon's error.
limitStages : {TokenStream.LA(2) != MOST}? AT stageList;

// A set of offers (or of other groups) that limits and `never` rules can name like an offer.
groupDeclaration : GROUP groupName COLON offerSetRef (COMMA offerSetRef)*;

// `never A with B within N days` (either order) / `never B after A within N days` (B after A only).
neverDeclaration : NEVER offerSetRef (WITH | AFTER) offerSetRef WITHIN count period;

// `quiet C 20:00..09:00, Sunday`: local hours (a range may cross midnight) and whole days.
quietDeclaration : QUIET channelRef quietItem (COMMA quietItem)*;
quietItem
    : timeOfDay DOTDOT timeOfDay                            #quietHours
    | dayRef                                                #quietDay
    ;
timeOfDay : TIME_OF_DAY;
limitScope : OFFERS | CONTACTS | limitTargetRef;

cooldownDeclaration : COOLDOWN count period AFTER eventName;
exemptDeclaration : EXEMPT categoryName;

segmentList : STAR | segmentRef (COMMA segmentRef)*;
stageList : STAR | stageRange (COMMA stageRange)*;
stageRange : stageRef (DOTDOT stageRef)?;
channelList : channelRef (COMMA channelRef)*;

period : DAY | DAYS | WEEK | WEEKS | MONTH | MONTHS | YEAR | YEARS;
count : INTEGER;
documentation : STRING;

policyName : IDENTIFIER;
namespacePart : IDENTIFIER;
attributeName : IDENTIFIER;
enumMemberName : IDENTIFIER;
attributeRef : IDENTIFIER;
segmentName : IDENTIFIER;
segmentRef : IDENTIFIER;
stageName : IDENTIFIER;
stageRef : IDENTIFIER;
ownerName : IDENTIFIER;
ownerRef : IDENTIFIER;
channelName : IDENTIFIER;
channelRef : IDENTIFIER;
offerName : IDENTIFIER;
limitTargetRef : IDENTIFIER;
groupName : IDENTIFIER;
offerSetRef : IDENTIFIER;
dayRef : IDENTIFIER;
eventName : IDENTIFIER;
categoryName : IDENTIFIER;
