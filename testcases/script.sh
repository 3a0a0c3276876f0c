#!/echoargs -x
this line is never read by echoargs
