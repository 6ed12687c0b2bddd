@{
    AllNodes = @(
        @{
            NodeName = 'localhost'
        }
    )
}
